"""Long jobs (imports, matching, panel composition, batch SATD, work-list refresh) on a real queue.

- ``taches``: what each kind of job does, who may start it, which lock it takes;
- ``verrou``: the lock that keeps two jobs that must not overlap apart (database-level);
- ``suivi``: progress, written to the job (Redis) or drawn in the terminal;
- ``file``: the RQ queue over Redis (start, follow, list, restart; the worker's entry point);
- ``acteur``: who the command line acts as.

The CLI runs a job inline when no worker listens, so it keeps working without Redis."""
