"""Every write of the follow-up app, one module per part: sales reports (`sales`)."""
