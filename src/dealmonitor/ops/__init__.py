"""The operator's floor: what runs the installation rather than the domain (synthetic
portfolios, benchmarks, the load test, backup and restore). It may use every app; no app uses
it (docs/architecture.md)."""
