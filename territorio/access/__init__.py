"""The "mobilità" theme: walking and cycling access to interchange nodes over the street network."""
