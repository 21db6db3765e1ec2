"""A firm's portfolio (seed 003 « Mon portefeuille »): the establishments an accounting firm or
third-party declarant files for, added by hand or when a relying app reports a filing."""
