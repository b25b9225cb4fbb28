"""Open311 GeoReport v2, read-only JSON, so that civic-tech clients and dashboards can read the desk."""
