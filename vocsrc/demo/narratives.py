"""Complaint drivers and narrative phrase banks, written for this project.

A narrative is composed from an opening with a date, the driver's specifics,
the contact history, the impact on the customer and what they want, so that
each reads as one person's account, 300-1,500 characters long. Account
numbers and names are masked "XXXX" style, the way published complaint data
is redacted.

Placeholders: {d1} {d2} {d3} (dates before the complaint), {item}, {days},
{weeks}, {mins}, {amount}, {amount2}, {name}, {times}, {ref}.
"""

from __future__ import annotations

# Drivers (category) and their sub-issues, with relative weights, per function.
DRIVERS: dict[str, dict[str, tuple[float, list[str]]]] = {
    "Billing": {
        "Incorrect charge": (35, ["Charged twice", "Wrong amount", "Charged after cancelling"]),
        "Refund not received": (25, ["Refund late", "Refund wrong amount"]),
        "Payment problem": (15, ["Direct debit failed", "Card payment declined"]),
        "Price increase": (10, ["Price rise not explained", "Promotion not applied"]),
        "Credit account": (15, ["Interest charged wrongly", "Credit file marked"]),
    },
    "Deliveries": {
        "Late delivery": (35, ["Missed slot", "Delivered days late"]),
        "Missed delivery": (20, ["No show", "Delivered to wrong address"]),
        "Damaged item": (25, ["Damaged on arrival", "Property damaged"]),
        "Installation problem": (20, ["Not installed", "Installed incorrectly"]),
    },
    "Customer service": {
        "Callback not made": (10, ["Promised callback not made", "Callback late"]),
        "Long wait": (30, ["Phone queue", "No reply to email"]),
        "Staff attitude": (25, ["Rude staff", "Not listened to"]),
        "Wrong information": (35, ["Conflicting advice", "Wrong information given"]),
    },
    "Online & app": {
        "App or website fault": (45, ["App crashes", "Checkout error", "Login problem"]),
        "Order not recorded": (25, ["Order missing", "Duplicate order"]),
        "Account access": (30, ["Locked out", "Password reset failed"]),
    },
    "Stores": {
        "Store staff": (30, ["Rude staff", "No help available"]),
        "Returns refused": (35, ["Return refused", "Exchange refused"]),
        "Stock not available": (35, ["Click and collect not ready", "Advertised item out of stock"]),
    },
    "Claims": {
        "Claim delayed": (35, ["No decision", "Parts on order"]),
        "Claim rejected": (25, ["Not covered", "Cover dispute"]),
        "Repair not fixed": (25, ["Fault returned", "Repair incomplete"]),
        "Engineer missed appointment": (15, ["No show", "Arrived without parts"]),
    },
}

# The function's first step, which the narrative opens with.
OPENINGS: dict[str, list[str]] = {
    "Billing": ["On {d1} I checked my Harbourline credit account statement",
                "On {d1} I noticed a payment of {amount} taken from my bank account",
                "My bill dated {d1} showed a charge I did not recognise"],
    "Deliveries": ["On {d1} I ordered a {item} for delivery and installation",
                   "I bought a {item} on {d1} and paid for next day delivery",
                   "My {item} (order XXXX{ref}) was booked for delivery on {d1}"],
    "Customer service": ["On {d1} I rang customer services about my order XXXX{ref}",
                         "I contacted Harbourline on {d1} about a problem with my {item}",
                         "Since {d1} I have been trying to get help from customer services"],
    "Online & app": ["On {d1} I tried to place an order for a {item} in the app",
                     "On {d1} I tried to log in to my account on the website",
                     "I ordered a {item} online on {d1}"],
    "Stores": ["On {d1} I went into the XXXX store to return a {item}",
               "I visited your store on {d1} to collect a {item} I had ordered",
               "On {d1} I bought a {item} in store"],
    "Claims": ["On {d1} I made a claim on my care plan for my {item}",
               "My {item} broke down on {d1} and I called the care plan line",
               "I raised claim XXXX{ref} on {d1} for my {item}"],
}
OPENING_TAILS = [
    " and I have been trying to get it sorted ever since.",
    ". What should have been simple has turned into weeks of hassle.",
    ". I am writing because I have run out of patience.",
    " and I am extremely unhappy with how this has been handled.",
]

SPECIFICS: dict[str, list[str]] = {
    "Incorrect charge": ["I was charged {amount} twice for the same order.",
                         "The amount taken was {amount} when my agreed payment is {amount2}.",
                         "I cancelled on {d2} but I was still charged {amount} afterwards."],
    "Refund not received": ["I returned the {item} on {d2} and was told the refund of {amount} would take 5 working days. It has now been {weeks} weeks.",
                            "I was refunded {amount2} instead of the {amount} I paid."],
    "Payment problem": ["My direct debit failed because of an error on your side and I was then charged a late fee of {amount2}.",
                        "My card was declined three times at checkout but the money still left my account."],
    "Price increase": ["My monthly price went up by {amount2} with no letter or email to explain why.",
                       "The promotion I signed up for was never applied and I have overpaid {amount}."],
    "Credit account": ["I was charged interest of {amount2} on a balance I had already paid off.",
                       "A missed payment has been recorded on my credit file even though the payment was taken on time."],
    "Late delivery": ["The delivery slot was 7am to 1pm. Nobody came and there was no text or call.",
                      "The {item} finally arrived {days} days after the date I paid extra for."],
    "Missed delivery": ["The tracking said delivered but nothing arrived and my neighbours saw no van.",
                        "The driver marked it as a failed delivery although I was at home all day."],
    "Damaged item": ["The {item} arrived with a large dent in the side and the box was crushed.",
                     "The delivery team scraped the kitchen floor and chipped the door frame."],
    "Installation problem": ["The installers refused to connect the {item} and left without explanation.",
                             "The {item} was installed incorrectly and has leaked water onto the floor."],
    "Callback not made": ["I was promised a callback within 24 hours and never called.",
                          "{name} said they would ring me back the same day. Nobody rang.",
                          "I was told a manager would call me back by {d3}. That date came and went."],
    "Long wait": ["I have spent over {mins} minutes on hold on {times} separate occasions.",
                  "I have sent {times} emails and not received a single reply."],
    "Staff attitude": ["The advisor, {name}, was rude and put the phone down on me.",
                       "I was spoken to as if I was lying and nobody would listen."],
    "Wrong information": ["Every time I call I am told something different.",
                          "I was told the {item} was covered, then told it was not, then told to call another number."],
    "App or website fault": ["The app crashed at the payment screen {times} times but the money was still taken.",
                             "The checkout page showed an error and I could not complete my order."],
    "Order not recorded": ["I have an order confirmation email but your system has no record of the order.",
                           "The website placed the same order twice and I was charged {amount} twice."],
    "Account access": ["I was locked out of my account and the password reset email never arrives.",
                       "I cannot log in to the app to see my orders or make a payment."],
    "Store staff": ["There was nobody on the shop floor to help and the manager was dismissive.",
                    "A member of staff argued with me in front of other customers."],
    "Returns refused": ["The store refused to take the {item} back even though it was faulty within 30 days.",
                        "I was told I could only have a credit note, not a refund, which is not what your policy says."],
    "Stock not available": ["My click and collect order was not ready and the staff could not find it.",
                            "The {item} advertised in your promotion was out of stock in every store I tried."],
    "Claim delayed": ["My claim has been open for {weeks} weeks with no decision.",
                      "I have been told the parts are on order for {weeks} weeks now."],
    "Claim rejected": ["My claim was rejected as not covered although the fault is exactly what the care plan says it covers.",
                       "The claim was declined without anyone looking at the {item}."],
    "Repair not fixed": ["The engineer visited on {d2} but the same fault came back {days} days later.",
                         "The repair was left half finished and the {item} still does not work."],
    "Engineer missed appointment": ["I took a day off work on {d2} for the engineer and nobody turned up.",
                                    "The engineer arrived without the parts and had to rebook for {weeks} weeks later."],
}

CONTACT_HISTORY = [
    "I rang on {d2} and spoke to {name}, who said it would be sorted within 48 hours. It was not.",
    "I have called {times} times and every time I have to explain everything again from the start.",
    "I emailed on {d2} and received an automatic reply and nothing else.",
    "I used the chat on the website on {d2} and was told someone would be in touch. Nobody was.",
    "On {d2} I spoke to a supervisor who apologised and promised to escalate it.",
    "Your reference for this is XXXX{ref}.",
    "My account number is XXXXXXXX{ref}.",
    "I was passed between {times} different departments and ended up back where I started.",
]
CALLBACK_HISTORY = [
    "On {d2} I was told someone would call me back within 24 hours. Nobody called.",
    "They said they would ring me back that afternoon and I waited in all day.",
    "I have now been promised a callback {times} times and not one has happened.",
    "Each time I chase, I am told the callback request has been passed on and to wait for the call.",
    "{name} promised a call back by {d3} and I am still waiting.",
]
IMPACT = [
    "I have had to take {days} days off work because of this.",
    "I have been without a working {item} for {weeks} weeks and have a young family.",
    "This has cost me {amount2} in extra costs and a great deal of stress.",
    "I am elderly and this has caused me a lot of worry.",
    "I have wasted hours of my time on the phone.",
    "I feel completely let down after being a customer for many years.",
]
ASKS = [
    "I want a full refund of {amount} and an apology.",
    "I want this resolved and compensation for the time I have lost.",
    "Please call me back as promised, or put it in writing.",
    "I want the charge removed and my credit file corrected.",
    "I would like a replacement {item} delivered this week.",
    "If this is not resolved I will take it to the Ombudsman.",
]
# Further detail some complainants add; long narratives draw several.
EXTRA = [
    "I have kept copies of every email and a note of the time of each call.",
    "I have been a customer since XXXX and have never had to complain before.",
    "On {d3} I received a letter saying the matter was closed, which is simply not true.",
    "Nobody has explained why this happened or what will be done to stop it happening again.",
    "When I asked to speak to a manager I was told there was nobody available.",
    "The online chat closed the conversation while I was still typing.",
    "I was asked to send photographs, which I did on {d3}, and heard nothing back.",
    "My partner has also called on my behalf and was told a completely different story.",
    "Your website says complaints are answered within 5 working days.",
    "I have checked my bank statements and the payments of {amount2} are still being taken.",
]
# A follow-up complaint by the same customer opens like this.
FOLLOW_UPS = [
    "This is my second complaint about the same problem, which is still not resolved.",
    "I complained on {d2} and nothing has changed since.",
    "Further to my complaint last month, I am still waiting for a response.",
]
