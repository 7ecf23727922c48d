"""Tables of the indicators app."""
