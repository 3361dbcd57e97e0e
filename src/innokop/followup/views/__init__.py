"""The follow-up app's pages, one module per part: sales reports (`sales`)."""
