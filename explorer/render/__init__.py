"""Renderers: diagrams (DOT/SVG/PNG), timelines and the HTML report; they read results, never steer."""
