"""Pages for HQ's cell, the district cells and supervisors."""
