"""Small screenplays for the breakdown tests."""

from __future__ import annotations

from pathlib import Path

CORPUS = Path(__file__).parent / "corpus"

NIGHT = b"""Title: Test Night

INT. KITCHEN - NIGHT #1#

Ana and Dani cook.

ANA
Pass the salt.

INT. BEDROOM - NIGHT #2#

Ana pulls Dani close and kisses her deeply. They undress each other.

ANA
Stay.

DANI
Always.

EXT. STREET - DAY #3#

Dani walks alone.
"""

# Scene 2 rewritten, scene 1 and 3 as they were, a new scene 4.
NIGHT_REVISED = NIGHT.replace(b"DANI\nAlways.", b"DANI\nUntil morning.") + (
    b"\nINT. CAR - NIGHT #4#\n\nAna drives.\n"
)

XML_BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<FinalDraft><Content><Paragraph Type="Scene Heading"><Text>&lol3;</Text></Paragraph>
</Content></FinalDraft>
"""

BINARY = bytes(range(256)) * 4
