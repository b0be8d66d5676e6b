"""The intimacy rider: per performer per scene, shown at consent, signed as a sealed PDF."""
