// DANE: see docs/ARCHITECTURE.md
