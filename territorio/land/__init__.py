"""The "suolo" theme: land-consumption monitoring, PTM threshold check, raster zonal statistics."""
