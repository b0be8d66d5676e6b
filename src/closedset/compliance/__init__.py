"""Compliance: the custodian's 18+ records, test clearances, holds, notice rules and the gates."""
