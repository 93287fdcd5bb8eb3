"""Use cases of the poursuites on an account: plan, SATD (one or a batch), payments, requests, ANV,
renseignements, documents."""
