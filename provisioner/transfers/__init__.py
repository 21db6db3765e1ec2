"""Transfer of a firm's clients (rule 16, seed 001): when the firm's responsible changes and a new
account takes over, every client (its mandate, active or waiting, with its key), the portfolio and
the delegation profiles move to the new account, without new keys or registration."""
