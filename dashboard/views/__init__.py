"""Dashboard views, one module per page family. Views are thin: they read through
complaints.scoping.visible_complaints and change through complaints.lifecycle."""
