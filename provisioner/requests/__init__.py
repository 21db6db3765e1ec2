"""Requests to an establishment's administrators (seed 004): a person who cannot sign in asks, with
the portal's identifiers only, for its e-mail address to be changed and/or its password reset."""
