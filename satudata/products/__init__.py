"""SOP activity 2: dissemination products composed from released data — statistical tables
(cubes over dataset versions), charts, infographics and publications — each versioned and
released through the activity-3 workflow like a dataset version."""
