"""Seeded demo data for a fictional retailer, Harbourline, written for this project.

``generate_feedback`` yields survey responses, reviews and complaints in the
shape of the store's ``feedback`` table; ``generate_customers`` gives the
customer file behind them; ``STORIES`` says which patterns were planted where.
"""

from vocsrc.demo.customers import generate_customers
from vocsrc.demo.generate import generate_feedback
from vocsrc.demo.stories import DEFAULT_TODAY, STORIES, describe_stories

__all__ = ["DEFAULT_TODAY", "STORIES", "describe_stories", "generate_customers",
           "generate_feedback"]
