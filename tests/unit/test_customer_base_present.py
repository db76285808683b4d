"""The words the Customer base page puts beside its figures."""

import pandas as pd

from vocsrc.customer_base.figures import CustomerBase
from vocsrc.customer_base.present import respondents_verdict


def _base(heard_revenue: float, heard_tenure: float) -> CustomerBase:
    return CustomerBase(window=None, respondents=pd.DataFrame({
        "group": ["Heard from in the period", "Not heard from", "All active customers"],
        "customers": [1890, 370, 2260], "mean_revenue": [1410.0, 989.0, 1341.0],
        "median_revenue": [heard_revenue, 349.0, 435.0], "median_tenure_years": [heard_tenure, 3.6, 3.7],
        "long_standing_share": [0.21, 0.17, 0.2]}))


def test_same_tenure_is_said_in_words_not_as_zero_years_longer():
    said = respondents_verdict(_base(466.0, 3.72))
    assert "7% more (median) than the base" in said
    assert "about as long (median 3.7 against 3.7 years)" in said and "0.0 years" not in said
    assert said.endswith("close to the base.")


def test_a_real_difference_is_given_with_its_direction():
    said = respondents_verdict(_base(435.0, 2.5))
    assert "about the same (median) as the base" in said
    assert "1.2 years less long (median 2.5 against 3.7 years)" in said
    assert said.endswith("weigh their views with that in mind.")
