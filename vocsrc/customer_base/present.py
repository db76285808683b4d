"""Tables and captions for the Customer base page, in plain words (no streamlit here)."""

from __future__ import annotations

import pandas as pd

from vocsrc.customer_base.figures import CustomerBase
from vocsrc.customer_base.queries import BAND_LABELS, BANDS, TENURE_BANDS
from vocsrc.customer_base.value import ASSOCIATION_CAVEAT

BAND_METHOD = ("band = each customer's latest NPS answer before they left (or before the 'as of' date); "
               "'never heard from' = no NPS answer")
CHURN_METHOD = "churn = customers lost in the period ÷ customers at its start or joining in it; 95% Wilson intervals"
KM_METHOD = ("Kaplan-Meier from each customer's latest answer in the period to leaving, or to the 'as of' date "
             "for those still with us; shaded: 95% Greenwood interval (log-log)")


def period_words(cb: CustomerBase) -> str:
    return f"{cb.window.start} to {cb.window.as_of} (as of {cb.window.as_of})" if cb.window else "no data"


def band_table(cb: CustomerBase) -> pd.DataFrame:
    """Active customers, their yearly revenue and its share, and churn, per band."""
    f = cb.by_band
    total = f["revenue_active"].sum()
    return pd.DataFrame({
        "Band": f["group"].map(BAND_LABELS),
        "Active customers": f["active"],
        "Revenue (12 months)": f["revenue_active"].round(0),
        "Share of revenue": f["revenue_active"] / total if total else 0.0,
        "Customers in the period": f["customers"],
        "Lost": f["lost"],
        "Churn": f["churn_rate"],
        "Churn 95% from": f["churn_low"],
        "Churn 95% to": f["churn_high"],
        "Enough customers": f["solid"],
    })


def tenure_table(cb: CustomerBase) -> pd.DataFrame:
    """Share of each tenure band's active customers in each experience band, with churn."""
    if cb.tenure_bands.empty:
        return pd.DataFrame()
    shares = cb.tenure_bands.pivot_table(index="tenure_band", columns="band", values="share", fill_value=0.0)
    shares = shares.reindex(index=[t for t in TENURE_BANDS if t in shares.index],
                            columns=[b for b in BANDS if b in shares.columns], fill_value=0.0)
    shares.columns = [BAND_LABELS[b] for b in shares.columns]
    churn = cb.by_tenure.set_index("group")
    shares.insert(0, "Active customers", churn["active"].reindex(shares.index).fillna(0).astype(int))
    shares["Churn in the period"] = churn["churn_rate"].reindex(shares.index)
    return shares.rename_axis("Tenure").reset_index()


def respondents_table(cb: CustomerBase) -> pd.DataFrame:
    r = cb.respondents
    return pd.DataFrame({
        "Customers": r["group"], "Active customers": r["customers"],
        "Mean revenue (12 months)": r["mean_revenue"].round(0), "Median revenue": r["median_revenue"].round(0),
        "Median tenure (years)": r["median_tenure_years"].round(1),
        f"Share with {8}+ years": r["long_standing_share"],
    })


def respondents_verdict(cb: CustomerBase) -> str:
    """Do those heard from look like the base? Compared on median value and tenure."""
    r = cb.respondents.set_index("group")
    if "Heard from in the period" not in r.index or "All active customers" not in r.index:
        return "Nobody was heard from in this period, so there is nothing to compare."
    heard, base = r.loc["Heard from in the period"], r.loc["All active customers"]
    rev = heard["median_revenue"] / base["median_revenue"] - 1 if base["median_revenue"] else 0.0
    ten = heard["median_tenure_years"] - base["median_tenure_years"]
    spend = ("about the same (median) as" if round(abs(rev), 2) == 0 else
             f"{abs(rev):.0%} {'more' if rev >= 0 else 'less'} (median) than")
    # "0.0 years longer" reads as a finding; under a twentieth of a year it is the same tenure.
    stay = ("about as long" if round(abs(ten), 1) == 0 else
            f"{abs(ten):.1f} years {'longer' if ten >= 0 else 'less long'}")
    return (f"Customers heard from spend {spend} the base and have been with us {stay} (median "
            f"{heard['median_tenure_years']:.1f} against {base['median_tenure_years']:.1f} years): "
            + ("close to the base." if abs(rev) < 0.1 and abs(ten) < 0.5 else
               "not a mirror of the base, so weigh their views with that in mind."))


def unmatched_words(cb: CustomerBase) -> str:
    u = cb.unmatched
    if not u:
        return ""
    if not u["unmatched_rows"]:
        return (f"Every feedback row with a customer id in the period matches the customer file "
                f"({u['customers_on_file']:,} customers). {u['rows_without_id_in_store']:,} rows in the store carry "
                "no customer id at all.")
    return (f"{u['unmatched_rows']:,} feedback rows in the period ({u['unmatched_ids']:,} customer ids) have an id "
            f"that is not in the customer file ({u['customers_on_file']:,} customers); they are counted in the "
            f"feedback pages but cannot be placed here. {u['rows_without_id_in_store']:,} rows in the store carry "
            "no customer id at all.")


CAVEAT = ASSOCIATION_CAVEAT
