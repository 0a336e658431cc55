"""The visitor's tools around the catalogue: a visit plan without an account, hall maps, QR codes
and printable booth signs."""
