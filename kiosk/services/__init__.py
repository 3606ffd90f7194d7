"""Qt services: objects living in the main thread that own worker threads and relay signals.

Screens connect to these signals; tests wait on them (``qtbot.waitSignal``).
"""
