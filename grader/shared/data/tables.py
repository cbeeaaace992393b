"""Offline stand-ins for the notes' tables: wine quality (12 columns) and bike sharing (17 columns).

Both are generated from a seed, fast, and shaped like the files the notes load with
``np.loadtxt``: ``winequality-white.csv`` ([4898, 12]) and ``hour-fixed.csv`` (hourly rows
of 17 columns, the date turned into the day of the month). The values follow the real
sets' ranges and the relations the notes explore (alcohol rises and total sulfur dioxide
falls with the quality score; fewer bikes are rented at night, in rain and in the cold),
so what the notes compute on them gives figures of the same kind.
"""

from __future__ import annotations

import datetime
import math

import torch

#: The wine table's columns, as in the header of ``winequality-white.csv``.
WINE_COLUMNS = ("fixed acidity", "volatile acidity", "citric acid", "residual sugar", "chlorides",
                "free sulfur dioxide", "total sulfur dioxide", "density", "pH", "sulphates", "alcohol",
                "quality")
#: Per feature: mean, std, lowest, highest (the real white-wine file's), whether it is skewed
#: (drawn log-normal), and its correlation with the latent quality (about the real one,
#: a little stronger so that a small model learns something).
_WINE_FEATURES = torch.tensor([
    [6.855, 0.844, 3.8, 14.2, 0, -0.15],
    [0.278, 0.101, 0.08, 1.10, 1, -0.25],
    [0.334, 0.121, 0.0, 1.66, 0, 0.0],
    [6.391, 5.072, 0.6, 65.8, 1, -0.12],
    [0.0458, 0.0218, 0.009, 0.346, 1, -0.30],
    [35.31, 17.01, 2.0, 289.0, 1, 0.02],
    [138.4, 42.50, 9.0, 440.0, 0, -0.25],
    [0.9940, 0.0030, 0.987, 1.039, 0, -0.40],
    [3.188, 0.151, 2.72, 3.82, 0, 0.12],
    [0.490, 0.114, 0.22, 1.08, 1, 0.08],
    [10.51, 1.231, 8.0, 14.2, 0, 0.55],
], dtype=torch.float64)
#: How many of the real file's 4898 wines have each score 3..9.
_WINE_SCORES = torch.tensor([20, 163, 1457, 2198, 880, 175, 5], dtype=torch.float64)

#: The bike table's columns, as in ``hour-fixed.csv`` (``dteday`` read as the day of the month).
BIKE_COLUMNS = ("instant", "day", "season", "yr", "mnth", "hr", "holiday", "weekday", "workingday",
                "weathersit", "temp", "atemp", "hum", "windspeed", "casual", "registered", "cnt")
_FIRST_DAY = datetime.date(2011, 1, 1)
#: Hour-to-hour transitions of the weather code 1 (clear) .. 4 (heavy rain, snow): it persists,
#: and code 4 is rare (3 hours in the real file), as in the real data.
_WEATHER_STEP = torch.tensor([
    [0.965, 0.030, 0.005, 0.0],
    [0.080, 0.890, 0.030, 0.0],
    [0.040, 0.090, 0.868, 0.002],
    [0.0, 0.0, 0.5, 0.5],
], dtype=torch.float64)
_WEATHER_FACTOR = torch.tensor([1.0, 0.85, 0.45, 0.2], dtype=torch.float64)
_HOURS = torch.arange(24, dtype=torch.float64)


def wine_quality(n: int = 4898, seed: int = 0) -> torch.Tensor:
    """``n`` wines, float32 [n, 12]: 11 chemical measurements, then the quality score (3..9).

    Scores are integers with the real file's proportions (mostly 5, 6 and 7). The same
    (n, seed) gives the same table in every process; the global RNG is untouched.
    """
    if n < 0:
        raise ValueError(f"n must be at least 0, got {n}")
    g = torch.Generator().manual_seed(seed)
    latent = torch.randn(n, generator=g, dtype=torch.float64)
    cut = torch.special.ndtri(_WINE_SCORES.cumsum(0)[:-1] / _WINE_SCORES.sum())
    quality = 3 + torch.bucketize(latent, cut)
    mean, std, low, high, skewed, rho = _WINE_FEATURES.T
    noise = torch.randn(n, len(mean), generator=g, dtype=torch.float64)
    standard = rho * latent.unsqueeze(1) + (1 - rho**2).sqrt() * noise
    log_sigma = (1 + (std / mean) ** 2).log().sqrt()
    log_mu = mean.log() - log_sigma**2 / 2
    features = torch.where(skewed.bool(), (log_mu + log_sigma * standard).exp(), mean + std * standard)
    features = torch.maximum(torch.minimum(features, high), low)
    return torch.cat([features, quality.unsqueeze(1).to(torch.float64)], dim=1).float()


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> datetime.date:
    """The nth (1-based; -1 for the last) ``weekday`` (Monday 0) of a month."""
    if nth > 0:
        first = datetime.date(year, month, 1)
        return first + datetime.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
    last = datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1)
    return last - datetime.timedelta(days=(last.weekday() - weekday) % 7)


def _holidays(year: int) -> set[datetime.date]:
    """Washington D.C.'s public holidays of ``year`` (federal ones and Emancipation Day)."""
    fixed = {datetime.date(year, m, d) for m, d in ((1, 1), (4, 16), (7, 4), (11, 11), (12, 25))}
    floating = {_nth_weekday(year, 1, 0, 3), _nth_weekday(year, 2, 0, 3), _nth_weekday(year, 5, 0, -1),
                _nth_weekday(year, 9, 0, 1), _nth_weekday(year, 10, 0, 2), _nth_weekday(year, 11, 3, 4)}
    return fixed | floating


def _season(date: datetime.date) -> int:
    """1..4, changing at the solstices and equinoxes, 1 from 21 December (as the real file)."""
    starts = ((3, 21), (6, 21), (9, 23), (12, 21))
    passed = sum((date.month, date.day) >= start for start in starts)
    return passed % 4 + 1


def _calendar(days: int) -> torch.Tensor:
    """Per day: day of month, season, yr, month, holiday, weekday (Sunday 0), working day."""
    rows = []
    holidays: dict[int, set[datetime.date]] = {}
    for offset in range(days):
        date = _FIRST_DAY + datetime.timedelta(days=offset)
        holiday = date in holidays.setdefault(date.year, _holidays(date.year))
        weekday = (date.weekday() + 1) % 7
        working = weekday not in (0, 6) and not holiday
        rows.append((date.day, _season(date), date.year - _FIRST_DAY.year, date.month, holiday, weekday, working))
    return torch.tensor(rows, dtype=torch.float64).reshape(days, 7)


def _weather(hours: int, g: torch.Generator) -> torch.Tensor:
    """Weather codes 1..4, one per hour, from the persistent chain :data:`_WEATHER_STEP`."""
    draws = torch.rand(hours, generator=g, dtype=torch.float64).tolist()
    cumulative = _WEATHER_STEP.cumsum(1).tolist()
    codes, state = [], 0
    for u in draws:
        row = cumulative[state]
        state = next((k for k, edge in enumerate(row) if u < edge), 3)
        codes.append(state + 1)
    return torch.tensor(codes, dtype=torch.float64)


def _demand(calendar: torch.Tensor, temp: torch.Tensor, weather: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Expected casual and registered riders per hour, [days, 24] each."""
    working = calendar[:, 6:7]
    commute = 0.05 + 0.9 * torch.exp(-((_HOURS - 8) ** 2) / 1.5) + 1.3 * torch.exp(-((_HOURS - 17.5) ** 2) / 2.0)
    daytime = 0.03 + torch.exp(-((_HOURS - 14) ** 2) / 12.0)
    night = torch.exp(-((_HOURS - 3.5) ** 2) / 4.0)
    registered_shape = working * (commute + 0.35 * daytime) + (1 - working) * (0.8 * daytime - 0.02 * night)
    casual_shape = daytime * (0.35 + 0.65 * (1 - working))
    growth = 1 + 0.6 * calendar[:, 2:3]
    comfort = torch.exp(-((temp - 0.7) ** 2) / 0.18)
    factor = growth * _WEATHER_FACTOR[weather.long() - 1] * comfort
    return 150 * casual_shape * factor, 600 * registered_shape.clamp_min(0.01) * factor


def bike_sharing(days: int = 730, seed: int = 0) -> torch.Tensor:
    """``days`` days of hourly rentals from 1 January 2011, float32 [days * 24, 17].

    Columns (:data:`BIKE_COLUMNS`): instant (1, 2, ...), day of the month, season 1..4,
    yr (0 for 2011), month 1..12, hour 0..23, holiday 0/1, weekday (Sunday 0), working day
    0/1, weathersit 1..4, temp, atemp, hum and windspeed scaled to [0, 1] as in the real
    file, then the casual, registered and total (cnt = casual + registered) rentals. Every
    day has its 24 hours, so ``view(-1, 24, 17)`` gives the notes' [730, 24, 17].
    """
    if days < 0:
        raise ValueError(f"days must be at least 0, got {days}")
    g = torch.Generator().manual_seed(seed)
    hours = days * 24
    calendar = _calendar(days)
    weather = _weather(hours, g).view(days, 24)
    day_of_year = torch.arange(days, dtype=torch.float64).unsqueeze(1)
    daily_noise = 0.05 * torch.randn(days, 1, generator=g, dtype=torch.float64)
    temp = (0.48 - 0.24 * torch.cos(2 * math.pi * (day_of_year - 15) / 365.25) + daily_noise
            + 0.05 * torch.sin(2 * math.pi * (_HOURS - 9) / 24) - 0.02 * (weather - 1)
            + 0.015 * torch.randn(days, 24, generator=g, dtype=torch.float64)).clamp(0.02, 1.0)
    atemp = (0.92 * temp + 0.03 + 0.02 * torch.randn(days, 24, generator=g, dtype=torch.float64)).clamp(0.0, 1.0)
    hum = (0.55 + 0.12 * (weather - 1) - 0.08 * torch.sin(2 * math.pi * (_HOURS - 9) / 24)
           + 0.12 * torch.randn(days, 24, generator=g, dtype=torch.float64)).clamp(0.0, 1.0)
    windspeed = (0.1 + 0.12 * torch.randn(days, 24, generator=g, dtype=torch.float64).abs()
                 + 0.04 * (weather - 1)).clamp(0.0, 0.85)
    casual_rate, registered_rate = _demand(calendar, temp, weather)
    casual = torch.poisson(casual_rate, generator=g)
    registered = torch.poisson(registered_rate, generator=g)
    def per_hour(column: int) -> torch.Tensor:
        return calendar[:, column : column + 1].expand(days, 24)

    instant = torch.arange(1, hours + 1, dtype=torch.float64).view(days, 24)
    columns = [instant, per_hour(0), per_hour(1), per_hour(2), per_hour(3), _HOURS.expand(days, 24),
               per_hour(4), per_hour(5), per_hour(6), weather, temp, atemp, hum, windspeed,
               casual, registered, casual + registered]
    return torch.stack(columns, dim=2).reshape(hours, len(BIKE_COLUMNS)).float()
