"""The "digitale" theme: 5G site registers, coverage and siting; fibre reach per comune."""
