"""The offline data sets (``grader/data``): shapes, dtypes, seeds, learnability, and the real-set loaders."""

from __future__ import annotations

import datetime
import pickle
import struct
from pathlib import Path

import numpy as np
import pytest
import torch

from grader.shared.data import real, tables, text


@pytest.fixture(scope="module")
def wine() -> torch.Tensor:
    return tables.wine_quality()


@pytest.fixture(scope="module")
def bikes() -> torch.Tensor:
    return tables.bike_sharing()


# ----------------------------------------------------------------------------- wine quality


def test_wine_quality_has_the_notes_shape_and_dtype(wine):
    assert wine.shape == (4898, 12) and wine.dtype == torch.float32
    assert len(tables.WINE_COLUMNS) == 12 and tables.WINE_COLUMNS[-1] == "quality"


def test_wine_scores_are_integers_from_3_to_9_mostly_5_6_and_7(wine):
    scores = wine[:, -1]
    assert torch.equal(scores, scores.round())
    assert scores.min() >= 3 and scores.max() <= 9
    counts = torch.bincount(scores.long(), minlength=10)
    assert counts[5:8].sum() > 0.85 * len(scores)
    assert counts[6] == counts.max()


def test_wine_features_stay_in_the_real_files_ranges(wine):
    features = wine[:, :-1].double()
    low, high = tables._WINE_FEATURES[:, 2], tables._WINE_FEATURES[:, 3]
    assert bool((features >= low - 1e-6).all()) and bool((features <= high + 1e-6).all())
    assert torch.allclose(features.mean(0), tables._WINE_FEATURES[:, 0], rtol=0.1)


def test_wine_quality_is_learnable_from_the_features(wine):
    """A least-squares fit on the standardised features explains a good part of the score."""
    features, scores = wine[:, :-1].double(), wine[:, -1].double()
    x = torch.cat([(features - features.mean(0)) / features.std(0), torch.ones(len(features), 1)], dim=1)
    fitted = x @ torch.linalg.lstsq(x, scores.unsqueeze(1)).solution
    r_squared = 1 - ((fitted.squeeze(1) - scores) ** 2).sum() / ((scores - scores.mean()) ** 2).sum()
    assert r_squared > 0.25


def test_wine_shows_what_the_notes_find(wine):
    """Better wines have more alcohol and less total sulfur dioxide, as the notes' table shows."""
    data, target = wine[:, :-1], wine[:, -1]
    bad, mid, good = data[target <= 3].mean(0), data[(target > 3) & (target < 7)].mean(0), data[target >= 7].mean(0)
    alcohol, sulfur = 10, 6
    assert bad[alcohol] < good[alcohol] and mid[alcohol] < good[alcohol]
    assert bad[sulfur] > mid[sulfur] > good[sulfur]


def test_wine_quality_depends_only_on_its_seed():
    torch.manual_seed(0)
    before = torch.rand(1)
    torch.manual_seed(0)
    first = tables.wine_quality(300, seed=4)
    assert torch.equal(torch.rand(1), before), "the global RNG was used"
    assert torch.equal(first, tables.wine_quality(300, seed=4))
    assert not torch.equal(first, tables.wine_quality(300, seed=5))
    assert tables.wine_quality(0).shape == (0, 12)
    with pytest.raises(ValueError, match="-1"):
        tables.wine_quality(-1)


# ----------------------------------------------------------------------------- bike sharing


def test_bike_sharing_has_the_notes_shape_and_reshapes_into_days(bikes):
    assert bikes.shape == (730 * 24, 17) and bikes.dtype == torch.float32
    daily = bikes.view(-1, 24, bikes.shape[1])
    assert daily.shape == (730, 24, 17)
    assert torch.equal(daily[:, :, 5], torch.arange(24.0).expand(730, 24))
    assert torch.equal(bikes[:, 0], torch.arange(1.0, 730 * 24 + 1))
    assert bool((daily[:, :, 1:5] == daily[:, :1, 1:5]).all()), "the calendar columns change within a day"


def test_bike_calendar_columns_follow_the_dates(bikes):
    daily = bikes.view(730, 24, 17)[:, 0]
    for offset in (0, 58, 59, 180, 364, 365, 729):
        date = datetime.date(2011, 1, 1) + datetime.timedelta(days=offset)
        day, season, yr, month, hour, holiday, weekday, working = daily[offset, 1:9].tolist()
        assert (day, yr, month, hour, weekday) == (date.day, date.year - 2011, date.month, 0, (date.weekday() + 1) % 7)
        assert season in (1, 2, 3, 4)
        assert working == float(weekday not in (0, 6) and not holiday)
    assert daily[0, 6] == 1 and daily[184, 6] == 1  # 1 January and 4 July 2011
    assert 15 <= int(daily[:, 6].sum()) <= 25
    assert daily[0, 2] == 1 and daily[180, 2] == 3  # winter on 1 January, summer on 30 June


def test_bike_columns_have_the_real_files_ranges(bikes):
    weather = bikes[:, 9]
    counts = torch.bincount(weather.long(), minlength=5)
    assert counts[0] == 0 and counts[1] > counts[2] > counts[3] > counts[4] > 0
    for column in (10, 11, 12, 13):
        assert bikes[:, column].min() >= 0 and bikes[:, column].max() <= 1
    casual, registered, total = bikes[:, 14], bikes[:, 15], bikes[:, 16]
    assert torch.equal(total, casual + registered)
    assert torch.equal(total, total.round()) and total.min() >= 0
    assert 100 < float(total.mean()) < 300


def test_bike_rentals_follow_hour_weather_and_temperature(bikes):
    """What a model can learn: commuting peaks, fewer rides in rain and in the cold."""
    daily = bikes.view(730, 24, 17)
    working = daily[:, 0, 8] == 1
    by_hour = daily[working][:, :, 16].mean(0)
    assert by_hour[8] > 4 * by_hour[3] and by_hour[17] > 4 * by_hour[3]
    total, weather, temp = bikes[:, 16], bikes[:, 9], bikes[:, 10]
    assert total[weather == 3].mean() < 0.7 * total[weather == 1].mean()
    assert torch.corrcoef(torch.stack([temp, total]))[0, 1] > 0.2


def test_bike_sharing_depends_only_on_its_seed():
    assert torch.equal(tables.bike_sharing(20, seed=2), tables.bike_sharing(20, seed=2))
    assert not torch.equal(tables.bike_sharing(20, seed=2), tables.bike_sharing(20, seed=3))
    assert tables.bike_sharing(3).shape == (72, 17)
    assert tables.bike_sharing(0).shape == (0, 17)


# ----------------------------------------------------------------------------- text


def test_the_text_has_what_text_encoding_needs():
    passage = text.passage()
    assert len(passage.split()) > 250
    assert {"“", "”", "’", "é"} <= set(passage)
    assert any(c.isupper() for c in passage) and "_very_" in passage
    assert " -- " in passage, "a token made only of punctuation, which cleans to an empty word"
    assert text.lines() == passage.split("\n") and "" in text.lines()


# ----------------------------------------------------------------------------- real data sets


def test_cifar2_without_its_files_says_where_and_how_to_get_them(tmp_path):
    with pytest.raises(FileNotFoundError) as error:
        real.cifar2(tmp_path, train=True)
    message = str(error.value)
    assert str(tmp_path / "cifar-10-batches-py") in message and "download=True" in message
    assert "data_batch_1" in message


def test_mnist_without_its_files_says_where_and_how_to_get_them(tmp_path):
    with pytest.raises(FileNotFoundError) as error:
        real.mnist(tmp_path, train=False)
    message = str(error.value)
    assert str(tmp_path / "MNIST" / "raw") in message and "download=True" in message


def _write_fake_cifar10(root: Path, per_file: int = 10) -> dict[str, np.ndarray]:
    """CIFAR-10's pickled batches as torchvision reads them: data uint8 [n, 3072], labels 0..9."""
    folder = root / "cifar-10-batches-py"
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    written = {}
    for name in ("data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4", "data_batch_5", "test_batch"):
        data = rng.integers(0, 256, (per_file, 3072), dtype=np.uint8)
        labels = [i % 10 for i in range(per_file)]
        with open(folder / name, "wb") as f:
            pickle.dump({"data": data, "labels": labels}, f)
        written[name] = data
    with open(folder / "batches.meta", "wb") as f:
        pickle.dump({"label_names": ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse",
                                     "ship", "truck"]}, f)
    return written


def test_cifar2_with_corrupted_files_says_so(tmp_path):
    _write_fake_cifar10(tmp_path)
    with pytest.raises(RuntimeError, match="incomplete or corrupted"):
        real.cifar2(tmp_path, train=True)


def test_cifar2_keeps_airplanes_and_birds_normalised_with_the_notes_label_map(tmp_path, monkeypatch):
    written = _write_fake_cifar10(tmp_path)
    # The fake files cannot match CIFAR-10's checksums; the format is what is tested here.
    monkeypatch.setattr("torchvision.datasets.cifar.check_integrity", lambda path, md5=None: Path(path).is_file())
    images, labels = real.cifar2(tmp_path, train=False)
    assert images.shape == (2, 3, 32, 32) and images.dtype == torch.float32
    assert labels.tolist() == [0, 1] and labels.dtype == torch.int64  # airplane (0) then bird (2)
    raw = torch.from_numpy(written["test_batch"][[0, 2]]).view(2, 3, 32, 32).float() / 255
    mean = torch.tensor(real.CIFAR_MEAN).view(1, 3, 1, 1)
    std = torch.tensor(real.CIFAR_STD).view(1, 3, 1, 1)
    assert torch.allclose(images, (raw - mean) / std)
    train_images, train_labels = real.cifar2(tmp_path, train=True)
    assert train_images.shape == (10, 3, 32, 32) and train_labels.tolist() == [0, 1] * 5
    assert real.CIFAR2_CLASS_NAMES == ("airplane", "bird")


def _write_idx(path: Path, array: np.ndarray) -> None:
    """An idx file (big-endian header: 0, 0, type 0x08 for uint8, number of dims, then each size)."""
    header = struct.pack(">BBBB", 0, 0, 0x08, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    path.write_bytes(header + array.astype(np.uint8).tobytes())


def test_mnist_reads_the_idx_files_scaled_to_0_1(tmp_path):
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    rng = np.random.default_rng(1)
    for split, n in (("train", 5), ("t10k", 3)):
        _write_idx(raw / f"{split}-images-idx3-ubyte", rng.integers(0, 256, (n, 28, 28)))
        _write_idx(raw / f"{split}-labels-idx1-ubyte", np.arange(n) % 10)
    images, labels = real.mnist(tmp_path, train=True)
    assert images.shape == (5, 1, 28, 28) and images.dtype == torch.float32
    assert 0 <= float(images.min()) and float(images.max()) <= 1
    assert labels.tolist() == [0, 1, 2, 3, 4] and labels.dtype == torch.int64
    assert real.mnist(tmp_path, train=False)[0].shape == (3, 1, 28, 28)
