"""Rules and verdicts: validation (SHACL), the classification, accounts, explanations, allies, inference and reliability tables."""
