"""The "servizi" theme: schools, health services and the Parco Agricolo Sud Milano."""
