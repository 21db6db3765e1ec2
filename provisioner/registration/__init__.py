"""First registration (rule 17, seeds 001 and 002): invitations with an access code by letter or
e-mail, the registration wizard of the portal's public pages, a firm's own registration, and the
terms of use each person accepts."""
