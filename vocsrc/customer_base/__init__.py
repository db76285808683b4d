"""Customers as the unit of planning: the customer base, its value, loyalty and who is lost.

Definitions (every figure on the Customer base page, the CLI and the briefing uses these):

- **Period and 'as of'.** The period runs from the filter's date_from (else the earliest
  feedback) to its date_to (else the latest feedback date); that last day is the 'as of' date.
- **Population of a period.** Customers in the customer file who had joined by 'as of' and had
  not left before the period began: those active at its start plus those joining in it.
  A missing joined date counts as 'joined before the data'.
- **Active** = joined_at <= as_of and (left_at is null or left_at > as_of).
- **Joined / lost in the period** = joined_at / left_at within it (inclusive).
- **Churn rate of a group** = lost / customers of the group in the population, with a 95%
  Wilson interval; greyed below 30 customers.
- **Band** = each customer's latest NPS answer (0-6 detractor, 7-8 passive, 9-10 promoter)
  given on or before the day they left, and never after 'as of'; answers given after leaving
  never count (an exit survey would otherwise explain the leaving it followed). No such answer:
  'unheard' (never heard from on NPS).
- **Heard from** = an active customer with any feedback (any kind) in the period; heard_share =
  heard / active.
- **Really happy share** = promoters / customers with an NPS band.
- **Tenure** = years from joined_at to 'as of'; bands <1, 1-3, 3-5, 5-8, 8+ years.
  Long-standing = 8+ years.
- **Kaplan-Meier** by band, for customers whose latest answer falls in the period: time from
  that answer to leaving (event) or to 'as of' (censored); 95% Greenwood interval on the
  log(-log) scale.
- **Value at stake** = revenue_12m of active customers summed by band; passives + detractors
  is the revenue held by the middle and the unhappy.
- **What moving passives is worth** = X% x passive revenue x (churn_passive - churn_promoter),
  floored at zero: an association seen in this data, not a promise of cause.
- **Filters.** The date range sets the period; the feedback filters (kind, source, function,
  channel, product, region) choose which answers count for bands and 'heard from'; a region
  filter also restricts the customers to that region (region is on the customer file too).
- **Unmatched ids.** Feedback whose customer_id is not in the customer file is counted and
  shown, never dropped: it still counts on every feedback page.

Modules: ``summary`` (the per-store-version summary beside the store), ``queries`` (SQL),
``figures`` (the page's figures in one call, the CLI's JSON rows), ``kaplan_meier``, ``value``,
``lists`` (contact, thank and suppression lists; safe CSV), ``present`` (tables in plain words),
``briefing`` (the pack's 'our customers' section), ``cli``.
"""

from vocsrc.customer_base.briefing import BandFigures, CustomerSection, briefing_section
from vocsrc.customer_base.figures import CustomerBase, customer_base, customers_json
from vocsrc.customer_base.kaplan_meier import SurvivalStep, kaplan_meier

__all__ = ["BandFigures", "CustomerBase", "CustomerSection", "SurvivalStep", "briefing_section", "customer_base",
           "customers_json", "kaplan_meier"]
