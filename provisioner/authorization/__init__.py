"""The authorization API for relying apps (OpenID AuthZEN Authorization API 1.0 shape): may this
person act for this establishment under this teleprocedure, and why (or why not)."""
