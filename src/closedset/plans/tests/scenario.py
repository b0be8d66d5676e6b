"""The unplanned slap's two performers and plan, shared by the plan tests and the browser walks."""

MARA = {
    "performer": "mara",
    "name": "Mara K.",
    "boundaries": [
        {
            "act": "slap",
            "direction": "receive",
            "answer": "yes",
            "zones": {"face": "no"},
            "max_intensity": "light",
            "note": "ask before any contact near the left ear",
        }
    ],
}
JONAS = {
    "performer": "jonas",
    "name": "Jonas R.",
    "boundaries": [{"act": "slap", "direction": "give", "answer": "yes"}],
}

PLAN = {
    "scene": "12B",
    "cast": {"A": "mara", "B": "jonas"},
    "beats": [
        {"id": "b1", "act": "slap", "by": "B", "to": "A", "zone": "buttocks"},
        {"id": "b2", "act": "slap", "by": "B", "to": "A", "zone": "face"},
    ],
}
