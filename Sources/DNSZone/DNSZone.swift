// DNSZone: see docs/ARCHITECTURE.md
import DNSWire
