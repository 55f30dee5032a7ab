#pragma once
// Vibrating-wire sensors (piezometers, crack meters) to engineering units, as
// datasheets/XJ-VW4.md "Converting to engineering units" says. Pure functions, no I/O.

namespace lookout::firmware::engineering {

/// A VW sensor's calibration sheet and its zero readings at installation.
struct VwCalibration {
  double gauge_factor = 0.0;      ///< [kPa/digit] piezometer (negative), [mm/digit] crack meter: G
  double thermal_factor = 0.0;    ///< [kPa/degC] or [mm/degC]: K
  double zero_reading = 0.0;      ///< [digit] R0 at installation
  double zero_temperature = 0.0;  ///< [degC] T0 at installation
};

/// [digit] the reading R = f^2 / 1000 (XJ-VW4.md line 37), from the resonant frequency [Hz].
double vw_digits(double frequency_hz);

/// [kPa] pore pressure (piezometer) or [mm] opening (crack meter):
/// G * (R - R0) + K * (T - T0) (XJ-VW4.md line 40), from the frequency [Hz] and temperature [degC].
double vw_value(double frequency_hz, double temperature_c, const VwCalibration& cal);

/// [m] water head above the tip: pressure [kPa] / 9.80665 (XJ-VW4.md line 43).
double pressure_head_m(double pore_pressure_kpa);

/// [m] piezometric level: tip elevation [m] + head [m] (XJ-VW4.md line 44).
double piezometric_level_m(double tip_elevation_m, double head_m);

/// [m] phreatic line depth (burial depth): pipe-mouth elevation [m] - piezometric level [m]
/// (standards.md, tailings dams: "Phreatic depth").
double phreatic_depth_m(double pipe_mouth_elevation_m, double piezometric_level_m);

}  // namespace lookout::firmware::engineering
