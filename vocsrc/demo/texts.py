"""Phrase banks for demo comments, written for this project.

The company is fictional: Harbourline, a UK retailer of home electronics and
appliances that delivers and installs, runs stores, a website and an app,
offers credit accounts, and sells a care plan whose repairs go through Claims.

Negative phrases carry words a lexicon scorer such as VADER recognises
("disappointed", "useless", "rude") because plain facts ("it came two days
late") read as neutral to it; the demo should exercise score-versus-text
checks with text whose tone a reader and the scorer agree on.

Placeholders filled per comment: {item}, {days}, {weeks}, {mins}, {amount},
{name}.
"""

from __future__ import annotations

THEMES: tuple[str, ...] = (
    "waiting",
    "billing",
    "refunds",
    "delivery",
    "quality",
    "staff_attitude",
    "staff_knowledge",
    "ease_of_use",
    "communication",
    "promises",
    "price_value",
    "store",
)

# Which themes people talk about for each function, as relative weights.
FUNCTION_THEMES: dict[str, dict[str, float]] = {
    "Billing": {"billing": 35, "refunds": 15, "price_value": 15, "communication": 10,
                "waiting": 10, "staff_knowledge": 5, "promises": 5, "ease_of_use": 5},
    "Deliveries": {"delivery": 40, "communication": 15, "promises": 10, "waiting": 10,
                   "staff_attitude": 10, "quality": 10, "refunds": 5},
    "Customer service": {"waiting": 25, "staff_attitude": 20, "staff_knowledge": 20,
                         "promises": 15, "communication": 15, "refunds": 5},
    "Online & app": {"ease_of_use": 50, "communication": 10, "delivery": 10, "billing": 10,
                     "price_value": 10, "refunds": 5, "waiting": 5},
    "Stores": {"store": 35, "staff_attitude": 20, "staff_knowledge": 15, "waiting": 10,
               "price_value": 10, "quality": 10},
    "Claims": {"quality": 25, "waiting": 20, "promises": 15, "communication": 15,
               "staff_knowledge": 10, "refunds": 10, "staff_attitude": 5},
}

POSITIVE: dict[str, list[str]] = {
    "waiting": [
        "Got through to someone in a couple of minutes, which was great.",
        "No waiting around at all, really quick service.",
        "Sorted within {days} days, much faster than I expected.",
        "Answered straight away and dealt with it there and then. Brilliant.",
        "Quick and efficient from start to finish.",
    ],
    "billing": [
        "My bill is clear and easy to understand now.",
        "They fixed the mistake on my account quickly and explained the charges.",
        "Setting up the direct debit was simple and the first bill was correct.",
        "Billing has been accurate every month, no surprises. Good.",
        "Really helpful explanation of my credit account statement.",
    ],
    "refunds": [
        "Refund of {amount} was back on my card within {days} days. Thank you.",
        "The refund was processed quickly with no fuss at all.",
        "Returned the {item} and got my money back the same week, excellent.",
        "They refunded the delivery charge without me even asking, nice touch.",
    ],
    "delivery": [
        "The {item} arrived on time and the driver was lovely.",
        "Delivery was spot on, they texted an hour before and turned up as promised.",
        "Next day delivery, well packed and perfect condition.",
        "The installers were careful, tidy and took the old one away. Great job.",
        "Really pleased with the delivery, friendly team and very professional.",
    ],
    "quality": [
        "The {item} is excellent quality and works perfectly.",
        "Really happy with the {item}, does everything I wanted.",
        "The repair was done properly and the {item} works like new.",
        "Great product, great price, no problems at all so far.",
    ],
    "staff_attitude": [
        "{name} was friendly, patient and genuinely helpful.",
        "The staff were lovely and really went out of their way for me.",
        "Such a kind and polite person on the phone, made a stressful day easier.",
        "Everyone I dealt with was courteous and cheerful.",
        "{name} was brilliant, nothing was too much trouble.",
    ],
    "staff_knowledge": [
        "{name} knew exactly what to do and sorted it first time.",
        "Very knowledgeable staff who gave me honest advice about the {item}.",
        "Clear, helpful answers to all my questions.",
        "The advisor understood the problem straight away and fixed it.",
    ],
    "ease_of_use": [
        "The app is really easy to use, found everything I needed.",
        "Simple to order online and checkout was quick.",
        "Easy to track my order and change the delivery slot in the app.",
        "The website is clear and easy, took me two minutes.",
        "Love the app, so much easier than calling.",
    ],
    "communication": [
        "Kept me updated by text at every step, really appreciated it.",
        "Great communication, I always knew what was happening.",
        "They emailed to confirm everything clearly, very reassuring.",
        "Helpful updates and a clear timeline, thank you.",
    ],
    "promises": [
        "They called back exactly when they said they would.",
        "Did everything they promised and on the day they said.",
        "{name} promised to sort it by Friday and did. Impressed.",
        "Reliable, they kept their word.",
    ],
    "price_value": [
        "Good value for money and the price matched what I saw online.",
        "Great deal on the {item}, cheaper than anywhere else.",
        "Fair prices and the care plan is worth it.",
        "Happy with the price, good value overall.",
    ],
    "store": [
        "The store was clean, tidy and easy to find things in.",
        "Lovely helpful team in the store, happy to demo the {item}.",
        "Click and collect was ready when I arrived, great.",
        "Nice store, friendly staff and no queue at the tills.",
    ],
}

NEGATIVE: dict[str, list[str]] = {
    "waiting": [
        "Waited over {mins} minutes on hold, absolutely ridiculous.",
        "Terrible wait times, I gave up twice before getting through.",
        "It took {weeks} weeks to sort out something simple. Frustrating.",
        "Still waiting after {days} days, really fed up.",
        "Stuck in a queue for ages and then cut off. Awful.",
    ],
    "billing": [
        "I was charged twice for the same order and it was a nightmare to fix.",
        "Wrong bill again this month, I'm sick of checking every charge.",
        "Hidden charges on my account that nobody could explain. Not happy.",
        "They took {amount} without warning. Disgraceful.",
        "The bill is confusing and the charges keep changing. Annoying.",
    ],
    "refunds": [
        "Still no refund after {weeks} weeks, it's a disgrace.",
        "Fighting to get my {amount} back, terrible service.",
        "The refund was refused for no good reason. Very disappointed.",
        "They promised a refund and it never arrived. Unacceptable.",
    ],
    "delivery": [
        "Delivery was late and nobody told me, wasted a day off work.",
        "The {item} arrived damaged and the driver just left it. Awful.",
        "Missed the delivery slot twice, useless.",
        "Waited in all day and the delivery never came. Really annoyed.",
        "The installers were rude and left a mess. Terrible.",
    ],
    "quality": [
        "The {item} broke after {weeks} weeks, poor quality.",
        "Faulty {item} straight out of the box, very disappointing.",
        "The repair failed again, the {item} is still broken.",
        "Cheap and badly made, I regret buying it.",
    ],
    "staff_attitude": [
        "The advisor was rude and talked over me.",
        "Staff were unhelpful and couldn't care less.",
        "Made to feel like I was lying, awful attitude.",
        "Really poor attitude from the person I spoke to, no apology.",
        "Dismissive and rude, I won't be back.",
    ],
    "staff_knowledge": [
        "Nobody knew what they were doing, I got three different answers.",
        "The advisor gave me wrong information and it made things worse.",
        "Clueless staff, I had to explain the problem over and over.",
        "Kept getting passed around, nobody could help. Useless.",
    ],
    "ease_of_use": [
        "The app keeps crashing at checkout, so frustrating.",
        "Couldn't log in to the website, a total waste of time.",
        "The app is confusing and slow, I gave up.",
        "Payment failed three times online, terrible website.",
        "Can't find anything on the app, useless search.",
    ],
    "communication": [
        "No updates at all, I had to chase them every time. Poor.",
        "Nobody tells you anything, terrible communication.",
        "Conflicting emails and texts, very confusing and stressful.",
        "Ignored my emails for {weeks} weeks. Shocking.",
    ],
    "promises": [
        "Promised a call back and nobody ever called. Disappointed.",
        "They said they would sort it and never did. Broken promises.",
        "Told me it would be fixed by Friday, it wasn't. Lies.",
        "I was promised a call within 24 hours and I'm still waiting. Unacceptable.",
    ],
    "price_value": [
        "Overpriced and poor value, I found it cheaper elsewhere.",
        "Prices went up again, a rip off.",
        "The care plan is a waste of money.",
        "Too expensive for what you get, disappointed.",
    ],
    "store": [
        "The store was a mess and there was nobody to help.",
        "Queued for {mins} minutes at the till, terrible.",
        "Click and collect wasn't ready, wasted trip. Annoying.",
        "Nothing in stock and the store was dirty. Poor.",
    ],
}

OPENERS_POS = [
    "Great experience.", "Really happy.", "Excellent service.", "Very pleased overall.",
    "Brilliant.", "Couldn't fault it.", "Good experience.", "Thank you!", "Very impressed.",
]
OPENERS_NEG = [
    "Terrible experience.", "Really disappointed.", "Awful service.", "Not happy at all.",
    "Very poor.", "Worst experience I've had with a retailer.", "Shocking.", "Fed up.",
    "Frustrating from start to finish.",
]
CLOSERS_POS = [
    "Would definitely recommend.", "Will shop here again.", "Keep it up!",
    "Thanks to the team.", "Five stars from me.", "Really good service, thank you.",
]
CLOSERS_NEG = [
    "Would not recommend.", "I'll be taking my business elsewhere.", "Never again.",
    "Very disappointed overall.", "Sort it out Harbourline.", "Avoid.",
]
# Background some people give before getting to the point; makes long comments.
CONTEXT = [
    "I've been shopping with Harbourline for about {years} years.",
    "Bought a {item} last month as a present for my mum.",
    "This was my second order this year.",
    "We needed a new {item} quickly after the old one gave up.",
    "I work shifts so the timing really mattered to me.",
    "I ordered online and then had to call about it.",
    "First time using Harbourline after a friend suggested it.",
    "I have the care plan on most of my appliances.",
]
CONTRASTS = ["But", "However,", "Only thing is,", "Shame that", "Although"]
NEUTRAL_SHORT = [
    "It was ok.", "Fine, nothing special.", "Average.", "Did the job.", "As expected.",
    "Ok I suppose.", "Nothing to add.", "Nothing more to say.", "Alright.", "Mostly fine.",
]
SHORT_POS = ["Great service!", "Very good", "Excellent", "Easy and quick.", "Happy customer",
             "Good", "brilliant thanks", "Lovely staff"]
SHORT_NEG = ["Terrible.", "Awful service", "Useless", "Very poor", "Rubbish", "Not good",
             "Disappointed", "Never again"]

# A fix that shipped in the app (story b): comments from that month on mention it.
APP_FIX_POS = [
    "The new app is so much better, checkout finally works.",
    "Since the update the app is quick and easy to use, great improvement.",
    "Love the new app update, tracking my order is really simple now.",
    "The updated app fixed the login problems, much better now.",
    "New version of the app is a big improvement, well done.",
]
APP_FIX_MIXED = [
    "The new app is better but still a bit slow at times.",
    "Since the update login works, although search could be better.",
]
# Before the fix: the app's known fault.
APP_PRE_FIX_NEG = [
    "The app logs me out every time I try to pay, useless.",
    "App crashes at checkout, I've given up and used the website. Frustrating.",
]

# Review titles, by tone.
TITLES_POS = ["Great service", "Very happy", "Excellent", "Easy and quick", "Would recommend",
              "Good experience", "Brilliant", "Spot on", "Happy with my purchase"]
TITLES_NEG = ["Terrible service", "Avoid", "Very disappointed", "Awful", "Never again",
              "Poor experience", "Not impressed", "Shocking customer service"]
TITLES_MIXED = ["Could be better", "Mixed experience", "Ok but...", "Average", "Some issues"]

STAFF_NAMES = ["Sam", "Priya", "Tom", "Aisha", "Dave", "Megan", "Raj", "Chloe", "Liam",
               "Fatima", "Gareth", "Sophie", "Kwame", "Lucy", "Ben", "Nadia"]

# What the comment is about, by product, so "{item}" reads naturally.
PRODUCT_ITEMS: dict[str, list[str]] = {
    "TV & audio": ["TV", "soundbar", "television", "speaker"],
    "Laptops & tablets": ["laptop", "tablet", "printer"],
    "Kitchen appliances": ["fridge freezer", "oven", "dishwasher", "microwave"],
    "Laundry": ["washing machine", "tumble dryer", "washer dryer"],
    "Mobile phones": ["phone", "smartwatch", "phone case"],
    "Care plan": ["washing machine", "TV", "laptop", "fridge"],
}
