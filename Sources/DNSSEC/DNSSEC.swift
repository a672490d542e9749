// DNSSEC: see docs/ARCHITECTURE.md
