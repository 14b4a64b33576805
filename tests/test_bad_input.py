"""Bad and unusual input, as GIS staff give it: one case per problem, each file built here.

Every case runs the real entry point (:func:`territorio.cli.main`) and asserts the exit
status, that the message names the file (or option) and what was expected, that no Python
traceback reaches the user, and that nothing is left behind or replaced in the output folder.
"""

from __future__ import annotations

import errno
import signal
import subprocess
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
import shapely
from rasterio.transform import from_origin

from territorio import datasets as syn
from territorio.cli import main
from territorio.errors import InputNotice

from .synthetic import write_grid

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        """Output and errors with line wraps undone (rich wraps at the console width)."""
        return " ".join((self.out + " " + self.err).split())


@pytest.fixture
def env(synthetic, tmp_path, monkeypatch):
    mirror, layers = synthetic
    monkeypatch.setenv("TERRITORIO_LAYERS", str(layers))
    monkeypatch.setenv("TERRITORIO_DATA", str(mirror))
    monkeypatch.setenv("TERRITORIO_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def cli(capsys):
    """Run ``territorio ARGS`` in this process through the real entry point."""

    def run(*args: str) -> Result:
        handlers = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGHUP)}
        capsys.readouterr()
        with warnings.catch_warnings():  # the command line shows how it read a file
            warnings.simplefilter("always", InputNotice)
            try:
                main([str(a) for a in args])
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
            finally:
                for sig, handler in handlers.items():
                    signal.signal(sig, handler)
        captured = capsys.readouterr()
        assert "Traceback" not in captured.err and "Traceback" not in captured.out
        return Result(code, captured.out, captured.err)

    return run


def listing(folder: Path) -> dict[str, int]:
    """Every file below ``folder`` with its modification time (to see what changed)."""
    if not folder.exists():
        return {}
    return {
        p.relative_to(folder).as_posix(): p.stat().st_mtime_ns
        for p in folder.rglob("*")
        if p.is_file()
    }


def lonlat(x: float, y: float) -> tuple[float, float]:
    """lon/lat of a point ``x``, ``y`` metres from the synthetic territory's origin."""
    return syn.to_lonlat(x, y)


def register_csv(path: Path, rows: list[dict], encoding: str = "utf-8", sep: str = ",") -> Path:
    frame = pd.DataFrame(rows)
    path.write_bytes(frame.to_csv(index=False, sep=sep).encode(encoding))
    return path


def site(n: int, x: float, y: float, **extra) -> dict:
    lon, lat = lonlat(x, y)
    row = {"site_id": f"S{n}", "lon": lon, "lat": lat, "tecnologie": "5G NR", "stato": "attivo"}
    row.update(extra)
    return row


def write_raster(path: Path, data: np.ndarray, *, x0: float = 0.0, nodata=255, crs="EPSG:32632"):
    transform = from_origin(syn.ORIGIN_X - 100 + x0, syn.ORIGIN_Y + 3100, 10.0, 10.0)
    return write_grid(path, data, transform, crs=crs, nodata=nodata)


def consumed_raster(path: Path, **options) -> Path:
    data = np.zeros((320, 320), dtype="uint8")
    data[100:200, 100:200] = 1
    return write_raster(path, data, **options)


def ambiti_csv(path: Path, rows: list[tuple], *, sep=",", decimal=".", encoding="utf-8") -> Path:
    frame = pd.DataFrame(
        rows, columns=["pro_com_t", "funzione", "superficie_2014_ha", "superficie_vigente_ha"]
    )
    path.write_bytes(frame.to_csv(index=False, sep=sep, decimal=decimal).encode(encoding))
    return path


# -- tracebacks that became messages ----------------------------------------------------------


def test_spreadsheet_saved_with_a_csv_name_is_refused_with_its_name(env, cli):
    fake = env / "registro.csv"
    pd.DataFrame([site(1, 1500, 1500)]).to_excel(fake, index=False)  # an .xlsx in disguise
    result = cli("digital", "coverage", "--sites", fake, "--out", env / "out")
    assert result.code == 2
    assert "registro.csv" in result.text and "dati binari" in result.text
    assert listing(env / "out") == {}


@pytest.mark.parametrize("suffix", [".xlsx", ".ods"])
def test_spreadsheet_register_is_read(env, cli, suffix):
    sheet = env / f"registro{suffix}"
    rows = [site(1, 1500, 1500, denominazione_sito="Torre Città"), site(2, 500, 2500)]
    pd.DataFrame(rows).to_excel(
        sheet, index=False, engine="openpyxl" if suffix == ".xlsx" else "odf"
    )
    result = cli("digital", "coverage", "--sites", sheet, "--out", env / "out")
    assert result.code == 0, result.text
    assert "2 siti 5G in servizio su 2 righe del registro" in result.text
    assert "foglio" in result.text  # the sheet it read is said


@pytest.mark.parametrize("encoding", ["cp1252", "cp850", "utf-16", "utf-8-sig"])
def test_register_in_any_office_encoding(env, cli, encoding):
    rows = [site(1, 1500, 1500, denominazione_sito="Città Perù d'Adda")]
    path = register_csv(env / "registro.csv", rows, encoding=encoding, sep=";")
    result = cli("digital", "coverage", "--sites", path, "--out", env / "out")
    assert result.code == 0, result.text
    layer = gpd.read_file(env / "out" / "copertura_5g.gpkg", layer="siti")
    assert layer["denominazione_sito"].tolist() == ["Città Perù d'Adda"]
    assert "punto e virgola" in result.text  # what was detected is said


def test_truncated_geotiff_for_raster(env, cli):
    good = consumed_raster(env / "2024.tif")
    broken = env / "rotto.tif"
    broken.write_bytes(good.read_bytes()[: good.stat().st_size // 3])
    result = cli(
        "land", "--raster", consumed_raster(env / "2015.tif"), "--year", "2015",
        "--raster", broken, "--year", "2024", "--out", env / "out",
    )  # fmt: skip
    assert result.code == 2
    assert "rotto.tif" in result.text and "raster completo" in result.text
    assert listing(env / "out") == {}


def test_truncated_population_raster(env, cli):
    data = np.full((320, 320), 5.0, dtype="float32")
    good = write_raster(env / "pop.tif", data, nodata=-1)
    broken = env / "pop_rotto.tif"
    broken.write_bytes(good.read_bytes()[:2000])
    result = cli(
        "digital", "coverage", "--sites", register_csv(env / "r.csv", [site(1, 1500, 1500)]),
        "--population-grid", broken, "--out", env / "out",
    )  # fmt: skip
    assert result.code == 2 and "pop_rotto.tif" in result.text


def test_access_network_missing(env, cli):
    result = cli("access", "--network", env / "manca.osm.pbf", "--out", env / "out")
    assert result.code == 2
    assert "manca.osm.pbf" in result.text and "file non trovato" in result.text


OSM = """<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="test">
 <node id="1" lat="{lat}" lon="{lon}" version="1"/>
 <node id="2" lat="{lat2}" lon="{lon2}" version="1"/>
 <way id="10" version="1"><nd ref="1"/><nd ref="2"/><tag k="{key}" v="{value}"/></way>
</osm>
"""


@pytest.mark.parametrize(
    ("where", "tag", "expected"),
    [
        ("inside", ("waterway", "canal"), "nessuna strada"),
        ("rome", ("highway", "residential"), "cadono fuori dal territorio"),
    ],
)
def test_access_network_without_streets_or_elsewhere(env, cli, where, tag, expected):
    lon, lat = lonlat(1500, 1500) if where == "inside" else (12.49, 41.89)
    path = env / "strade.osm"
    path.write_text(
        OSM.format(lat=lat, lon=lon, lat2=lat + 0.001, lon2=lon + 0.001, key=tag[0], value=tag[1])
    )
    result = cli("access", "--network", path, "--out", env / "out")
    assert result.code == 2
    assert "strade.osm" in result.text and expected in result.text
    assert listing(env / "out") == {}


@pytest.mark.parametrize("radius", ["inf", "nan", "0", "-5", "1e6"])
def test_radius_out_of_range(env, cli, radius):
    path = register_csv(env / "r.csv", [site(1, 1500, 1500)])
    result = cli("digital", "coverage", "--sites", path, "--radius", radius, "--out", env / "out")
    assert result.code == 2
    assert "--radius" in result.text and "raggio in metri" in result.text
    assert listing(env / "out") == {}


def test_park_given_as_a_csv(env, cli):
    path = env / "parco.csv"
    path.write_text("nome,area\nParco Sud,47000\n")
    result = cli("services", "--park", path, "--out", env / "out")
    assert result.code == 2
    assert "parco.csv" in result.text and "con geometrie" in result.text


def test_config_in_latin1_is_read(env, cli):
    config = env / "run.toml"
    config.write_bytes('# configurazione della città\n[output]\nlang = "it"\n'.encode("latin-1"))
    assert cli("config").code == 0
    result = cli("land", "--config", config, "--out", env / "out")
    assert result.code == 0, result.text


def test_land_template_into_a_missing_folder(env, cli):
    target = env / "non_esiste" / "ambiti.csv"
    result = cli("land", "template", target)
    assert result.code == 2
    assert "non_esiste" in result.text and "does not exist" in result.text
    assert not target.parent.exists()


def test_disk_full_is_reported_with_folder_and_space(env, cli, monkeypatch):
    real = pd.DataFrame.to_csv
    calls = {"n": 0}

    def filling(self, path_or_buf=None, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] > 2:  # the disk fills after a few tables
            raise OSError(errno.ENOSPC, "No space left on device", str(path_or_buf))
        return real(self, path_or_buf, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_csv", filling)
    out = env / "out"
    out.mkdir()
    (out / "mio.txt").write_text("a file of the user")
    result = cli("run", "--out", out)
    assert result.code == 2
    assert "disco pieno" in result.text and str(out) in result.text and "liberi" in result.text
    assert listing(out).keys() == {"mio.txt"}  # nothing half-written, the staging removed


def test_unknown_failure_is_an_internal_error_with_a_log(env, cli, monkeypatch):
    import territorio.runner

    def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(territorio.runner, "write_indicator_outputs", broken)
    result = cli("run", "--out", env / "out")
    assert result.code == 3
    assert "errore interno" in result.text
    (log,) = (env / "cache" / "logs").glob("errore-*.log")
    assert str(log) in result.text and "ZeroDivisionError" in log.read_text()


# -- rows dropped without a word ----------------------------------------------------------------


def test_lonlat_columns_holding_metres_are_reported_per_row(env, cli):
    rows = [site(1, 1500, 1500), site(2, 500, 500)]
    rows += [{**site(3, 0, 0), "lon": syn.ORIGIN_X + 2500, "lat": syn.ORIGIN_Y + 500}]
    rows += [{**site(4, 0, 0), "lon": syn.ORIGIN_X + 2500, "lat": syn.ORIGIN_Y + 2500}]
    path = register_csv(env / "registro.csv", rows)
    result = cli("digital", "coverage", "--sites", path, "--out", env / "out")
    assert result.code == 2
    assert "registro.csv" in result.text and "2 problemi" in result.text
    assert "riga 3" in result.text and "riga 4" in result.text and "non sono gradi" in result.text
    assert listing(env / "out") == {}


def test_empty_geometries_in_a_geopackage_are_reported(env, cli):
    frame = gpd.GeoDataFrame(
        [site(i, 0, 0) for i in (1, 2, 3)],
        geometry=[
            shapely.Point(syn.ORIGIN_X + 1500, syn.ORIGIN_Y + 1500),
            shapely.Point(),
            None,
        ],
        crs="EPSG:32632",
    ).drop(columns=["lon", "lat"])
    path = env / "registro.gpkg"
    frame.to_file(path, layer="siti")
    result = cli("digital", "coverage", "--sites", path, "--out", env / "out")
    assert result.code == 2
    assert "registro.gpkg" in result.text and "geometria vuota" in result.text
    assert "riga 2" in result.text and "riga 3" in result.text


def test_a_multipoint_of_one_point_is_a_point(env, cli):
    frame = gpd.GeoDataFrame(
        [site(1, 0, 0), site(2, 0, 0)],
        geometry=[
            shapely.MultiPoint([(syn.ORIGIN_X + 1500, syn.ORIGIN_Y + 1500)]),
            shapely.Point(syn.ORIGIN_X + 500, syn.ORIGIN_Y + 500),
        ],
        crs="EPSG:32632",
    ).drop(columns=["lon", "lat"])
    path = env / "registro.gpkg"
    frame.to_file(path, layer="siti")
    result = cli("digital", "coverage", "--sites", path, "--out", env / "out")
    assert result.code == 0, result.text
    assert "2 siti 5G in servizio su 2 righe" in result.text


def test_a_geopackage_with_two_layers_asks_which(env, cli):
    path = env / "registro.gpkg"
    for name, x in (("siti_2025", 1500), ("siti_2026", 500)):
        gpd.GeoDataFrame(
            [site(1, 0, 0)], geometry=[shapely.Point(syn.ORIGIN_X + x, syn.ORIGIN_Y + 1500)],
            crs="EPSG:32632",
        ).drop(columns=["lon", "lat"]).to_file(path, layer=name)  # fmt: skip
    result = cli("digital", "coverage", "--sites", path, "--out", env / "out")
    assert result.code == 2
    assert "2 strati (siti_2025, siti_2026)" in result.text and "|layername=" in result.text
    chosen = cli(
        "digital", "coverage", "--sites", f"{path}|layername=siti_2026", "--out", env / "o"
    )
    assert chosen.code == 0, chosen.text


# -- bad input accepted silently -------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("099999", "non è un comune del territorio"),
        ("Milano", "non è un codice ISTAT"),
        ("015001", "ma il sito cade in Epsilon (015005)"),
    ],
)
def test_register_codes_are_checked(env, cli, code, expected):
    path = register_csv(env / "r.csv", [site(1, 1500, 1500, com_istat_code=code)])
    result = cli("digital", "coverage", "--sites", path, "--out", env / "out")
    assert result.code == 2
    assert "r.csv" in result.text and "riga 1" in result.text and expected in result.text


@pytest.mark.parametrize(
    ("value", "expected"),
    [("inf", "non è un numero finito"), ("5000", "più della superficie del comune")],
)
def test_ambiti_hectares_must_be_plausible(env, cli, value, expected):
    path = ambiti_csv(env / "ambiti.csv", [("015001", "residenziale", value, "10")])
    result = cli("land", "--ambiti", path, "--out", env / "out")
    assert result.code == 2
    assert "ambiti.csv" in result.text and "riga 1" in result.text and expected in result.text


def test_all_nodata_raster_is_refused(env, cli):
    empty = write_raster(env / "vuoto.tif", np.full((320, 320), 255, dtype="uint8"))
    result = cli(
        "land", "--raster", consumed_raster(env / "a.tif"), "--year", "2015",
        "--raster", empty, "--year", "2024", "--out", env / "out",
    )  # fmt: skip
    assert result.code == 2
    assert "vuoto.tif" in result.text and "è tutto nodata o cade fuori" in result.text


def test_raster_elsewhere_is_refused(env, cli):
    far = consumed_raster(env / "altrove.tif", x0=80_000)
    result = cli("land", "--raster", far, "--year", "2024", "--out", env / "out")
    assert result.code == 2 and "altrove.tif" in result.text and "0,0 %" in result.text


def test_imperviousness_raster_without_threshold(env, cli):
    rng = np.random.default_rng(0)
    data = rng.integers(0, 101, size=(320, 320)).astype("uint8")
    path = write_raster(env / "impermeabilita.tif", data)
    result = cli("land", "--raster", path, "--year", "2024", "--out", env / "out")
    assert result.code == 2
    assert "impermeabilita.tif" in result.text and "--impermeabilita" in result.text
    fine = cli(
        "land", "--raster", path, "--year", "2024", "--impermeabilita", "30", "--out", env / "o"
    )
    assert fine.code == 0, fine.text


@pytest.mark.parametrize(
    "args",
    [
        ["land", "--year", "2024"],
        ["land", "--impermeabilita", "30"],
        ["land", "--soglia-residenziale", "28"],
        ["qgis", "--comuni", "015001"],
    ],
)
def test_options_without_effect_are_refused(env, cli, args):
    result = cli(*args, "--out", env / "out")
    assert result.code == 2 and args[1] in result.text and "non ha effetto" in result.text


@pytest.mark.parametrize(
    ("k", "expected"), [("-1", "atteso un numero intero ≥ 1"), ("999", "sono solo")]
)
def test_k_out_of_range(env, cli, k, expected):
    result = cli("digital", "siting", "--k", k, "--out", env / "out")
    assert result.code == 2 and "--k" in result.text and expected in result.text
    assert listing(env / "out") == {}


@pytest.mark.parametrize(
    ("polygon", "crs", "expected"),
    [
        (
            shapely.box(500_000, 5_030_000, 500_500, 5_033_000),
            "EPSG:3003",
            "cade fuori dal territorio",
        ),
        (
            shapely.box(900_000, 5_030_000, 900_500, 5_033_000),
            "EPSG:32632",
            "cade fuori dal territorio",
        ),
    ],
)
def test_park_in_the_wrong_crs_or_place(env, cli, polygon, crs, expected):
    path = env / "parco.gpkg"
    gpd.GeoDataFrame(geometry=[polygon], crs=crs).to_file(path)
    result = cli("services", "--park", path, "--out", env / "out")
    assert result.code == 2 and "parco.gpkg" in result.text and expected in result.text


def test_threshold_for_a_comune_that_does_not_exist(env, cli):
    config = env / "run.toml"
    config.write_text('[land]\nsoglie_residenziali_comuni = { "015099" = 28.0 }\n')
    result = cli("land", "--config", config, "--out", env / "out")
    assert result.code == 2
    assert "run.toml" in result.text and "015099" in result.text


def test_layers_with_a_wrong_data_folder(env, cli):
    result = cli("layers", "--data", env / "nessuna")
    assert result.code == 2 and "nessuna" in result.text


def test_layers_check_names_a_missing_user_file(env, cli):
    result = cli("layers", "check", "--layer", f"cmm_siti_5g={env / 'manca.csv'}")
    assert result.code == 1 and "manca.csv" in result.text


def test_layers_fetch_offline_keeps_the_url_whole(env, cli, monkeypatch):
    import urllib.error
    import urllib.request

    monkeypatch.delenv("TERRITORIO_LAYERS")  # the real catalogue has direct downloads

    def offline(*args, **kwargs):
        raise urllib.error.URLError("Temporary failure in name resolution")

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    from territorio.catalog import Catalog

    layer = next(i for i in Catalog().ids() if Catalog().manifest(i).download_url)
    result = cli("layers", "fetch", layer)
    assert result.code == 1 and "https://" in result.text and "name resolution" in result.text


# -- no data loss, no debris -----------------------------------------------------------------


def test_a_command_never_replaces_what_another_wrote(env, cli):
    out = env / "maps"
    assert cli("run", "--out", out, "-q").code == 0
    table = out / "indicatori_comuni.csv"
    before, columns = table.read_bytes(), len(pd.read_csv(table, nrows=1).columns)
    result = cli("land", "--out", out)
    assert result.code == 2
    assert "è stato scritto da 'territorio run'" in result.text and "--overwrite" in result.text
    assert table.read_bytes() == before
    assert cli("run", "--out", out, "-q").code == 0  # its own files: replaced without asking
    assert cli("land", "--out", out, "--overwrite", "-q").code == 0
    assert len(pd.read_csv(table, nrows=1).columns) < columns


def test_user_file_in_the_output_folder_is_not_replaced(env, cli):
    out = env / "out"
    out.mkdir()
    (out / "indicatori_comuni.csv").write_text("pro_com_t,mio\n015001,1\n")
    result = cli("run", "--out", out)
    assert result.code == 2 and "non è stato scritto da territorio" in result.text
    assert "indicatori_comuni.csv" in result.text
    assert (out / "indicatori_comuni.csv").read_text() == "pro_com_t,mio\n015001,1\n"


def test_stale_staging_of_a_killed_run_is_removed(env, cli):
    out = env / "out"
    stale = out / ".territorio-999999-abc"  # no process has this id
    stale.mkdir(parents=True)
    (stale / "mezzo.csv").write_text("half")
    assert cli("land", "--out", out, "-q").code == 0
    assert not stale.exists()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_termination_removes_the_staging_folder(env, sig):
    out = env / "out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "territorio", "run", "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=env,
    )
    deadline = time.monotonic() + 120
    while not list(out.glob(".territorio-*/**/*.csv")) and time.monotonic() < deadline:
        time.sleep(0.05)  # wait until the run has written something into its staging folder
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 128 + sig, stderr
    assert signal.Signals(sig).name in stderr and "Traceback" not in stderr
    assert listing(out) == {}  # nothing moved in, staging gone


# -- too strict, now accepted ----------------------------------------------------------------


def test_italian_excel_ambiti_with_decimal_comma_thousands_and_blank_rows(env, cli):
    path = env / "ambiti.csv"
    text = (
        "pro_com_t;funzione;superficie_2014_ha;superficie_vigente_ha\n"
        "15001;residenziale;40,0;28,5\n"
        "015002;altro;1.234,5;987,6\n"  # above the comune's area: refused below
        ";;;\n"
        "\n"
    )
    path.write_bytes(text.encode("cp1252"))
    result = cli("land", "--ambiti", path, "--out", env / "out")
    assert result.code == 2 and "riga 2" in result.text  # 1 234,5 ha read as such, then refused
    path.write_bytes(text.replace("1.234,5;987,6", "81,5;60,0").encode("cp1252"))
    result = cli("land", "--ambiti", path, "--out", env / "out")
    assert result.code == 0, result.text
    assert "virgola decimale" in result.text and "1 righe vuote saltate" in result.text
    checked = pd.read_csv(env / "out" / "suolo" / "soglie_ptm.csv", dtype={"pro_com_t": str})
    got = checked.set_index(["pro_com_t", "funzione"])["superficie_2014_ha"]
    assert got[("015001", "residenziale")] == 40.0 and got[("015002", "altro")] == 81.5


def test_info_matches_apostrophes_and_abbreviations(real_mirror):
    from territorio.catalog import Catalog
    from territorio.loaders import load_territory

    territory = load_territory(Catalog(real_mirror), areas={})
    assert territory.lookup("Cassano d’Adda")["pro_com_t"] == "015059"
    assert territory.lookup("S. Donato")["comune"] == "San Donato Milanese"
    assert territory.lookup("sesto s. giovanni")["comune"] == "Sesto San Giovanni"
    with pytest.raises(Exception, match="matches 2 comuni|matches [0-9]+ comuni"):
        territory.lookup("san")


def test_unknown_code_in_a_custom_area(real_mirror):
    from territorio.areas import Area
    from territorio.catalog import Catalog
    from territorio.errors import UnknownCodeError
    from territorio.loaders import load_territory

    area = Area("prova", "Prova", ("015146", "016024", "099999"), "aree.toml")
    with pytest.raises(UnknownCodeError, match="099999 \\(row 3\\)"):
        load_territory(Catalog(real_mirror), areas={"prova": area})
    load_territory(Catalog(real_mirror), areas={"ok": Area("ok", "Ok", ("015146", "016024"))})


def test_raster_without_crs_names_the_file(env, cli):
    data = np.zeros((320, 320), dtype="uint8")
    path = env / "senza_crs.tif"
    with rasterio.open(
        path, "w", driver="GTiff", width=320, height=320, count=1, dtype="uint8",
        transform=from_origin(syn.ORIGIN_X, syn.ORIGIN_Y + 3100, 10.0, 10.0),
    ) as dst:  # fmt: skip
        dst.write(data, 1)
    result = cli("land", "--raster", path, "--year", "2024", "--out", env / "out")
    assert result.code == 2 and "senza_crs.tif" in result.text and "CRS" in result.text


def test_empty_park_layer(env, cli):
    path = env / "parco.gpkg"
    gpd.GeoDataFrame({"nome": []}, geometry=[], crs="EPSG:32632").to_file(path)
    result = cli("services", "--park", path, "--out", env / "out")
    assert result.code == 2 and "parco.gpkg" in result.text and "perimetro del parco" in result.text
