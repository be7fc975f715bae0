"""The instructional framework: areas, look-fors, forms and the rating scale, versioned."""
