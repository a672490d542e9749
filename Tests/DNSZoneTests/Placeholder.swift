// Placeholder so SwiftPM finds this test target's sources; replace with real tests.
