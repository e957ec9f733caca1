"""Pictures and exports of the graph model: static figures, an interactive page, a timeline, exports.

Every function here returns bytes or text; the CLI writes them (atomically) where the user asked.
"""
