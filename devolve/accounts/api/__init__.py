"""The API doors of accounts: how a token caller is recognised."""
