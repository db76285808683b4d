"""Complaints as signals: failure demand, rising drivers, repeats, deadlines, taxonomy health,
promises kept and the view across sources. Settings: complaints.toml (override: $VOC_COMPLAINTS_CONFIG)."""
