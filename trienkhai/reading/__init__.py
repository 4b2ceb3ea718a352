"""Reading a text (pasted or uploaded) into proposed references, tasks and indicators.

The extraction library finds the items; this app matches them to the register and the tree,
lets a person confirm them on a review screen, and creates the chosen ones through the
documents and plans services, each linked back to the sentence it came from.
"""
