"""State graphs: the states explored executions pass through, as networkx graphs."""
