// SigilServer: see docs/ARCHITECTURE.md
