"""Sign-in security: server-side sessions, sign-in throttling, password policy, private files."""
