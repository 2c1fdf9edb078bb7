"""The vacancy store port and its adapters (DynamoDB by default, PostgreSQL for teams on RDS)."""
