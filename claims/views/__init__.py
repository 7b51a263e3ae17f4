"""HTTP views: health for operators, public pages for readers."""
