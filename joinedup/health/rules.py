"""Who may see and do what in the health module (found by `rules`' autodiscovery)."""
