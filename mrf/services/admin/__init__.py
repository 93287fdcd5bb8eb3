"""Users, structures, audit log and access rules."""
