/* Unit tests of core/geo.c: GCJ-02 both ways, and distances, against known places. */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "core/geo.h"

/* The Gate of Heavenly Peace, Beijing, in WGS-84 (GPS) */
#define TAM_LAT 39.907500
#define TAM_LNG 116.391200

static void test_geo__gcj02_shifts_beijing_by_hundreds_of_metres(void **state)
{
	double glat, glng;
	geo_wgs84_to_gcj02(TAM_LAT, TAM_LNG, &glat, &glng);
	double shift = geo_distance_m(TAM_LAT, TAM_LNG, glat, glng);
	/* The published transform moves Beijing about 500 to 700 m, mostly east. */
	assert_true(shift > 400 && shift < 800);
	assert_true(glng - TAM_LNG > 0.004 && glng - TAM_LNG < 0.008);
	assert_true(glat - TAM_LAT > 0.0005 && glat - TAM_LAT < 0.0025);
}

static void test_geo__gcj02_round_trip_is_within_centimetres(void **state)
{
	static const double points[][2] = { { TAM_LAT, TAM_LNG }, { 31.2304, 121.4737 }, { 22.5431, 114.0579 },
					     { 29.5630, 106.5516 }, { 43.8256, 87.6168 } };
	for (size_t i = 0; i < sizeof(points) / sizeof(points[0]); i++) {
		double glat, glng, wlat, wlng;
		geo_wgs84_to_gcj02(points[i][0], points[i][1], &glat, &glng);
		geo_gcj02_to_wgs84(glat, glng, &wlat, &wlng);
		assert_true(geo_distance_m(points[i][0], points[i][1], wlat, wlng) < 0.05);
	}
}

static void test_geo__outside_china_nothing_moves(void **state)
{
	double lat, lng;
	geo_wgs84_to_gcj02(35.6812, 139.7671, &lat, &lng); /* Tokyo */
	assert_true(lat == 35.6812 && lng == 139.7671);
	geo_gcj02_to_wgs84(48.8584, 2.2945, &lat, &lng); /* Paris */
	assert_true(lat == 48.8584 && lng == 2.2945);
	assert_false(geo_in_china(35.6812, 139.7671));
	assert_true(geo_in_china(TAM_LAT, TAM_LNG));
}

static void test_geo__distances_between_known_places(void **state)
{
	/* Beijing to Shanghai city centres: about 1,067 km; a degree of latitude: about 111.2 km. */
	double d = geo_distance_m(39.9042, 116.4074, 31.2304, 121.4737);
	assert_true(fabs(d - 1067e3) < 5e3);
	assert_true(fabs(geo_distance_m(30, 120, 31, 120) - 111195) < 50);
	assert_true(geo_distance_m(TAM_LAT, TAM_LNG, TAM_LAT, TAM_LNG) == 0);
	assert_true(geo_valid(90, -180) && !geo_valid(90.1, 0) && !geo_valid(0, 180.5) && !geo_valid(NAN, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_geo__gcj02_shifts_beijing_by_hundreds_of_metres),
		cmocka_unit_test(test_geo__gcj02_round_trip_is_within_centimetres),
		cmocka_unit_test(test_geo__outside_china_nothing_moves),
		cmocka_unit_test(test_geo__distances_between_known_places),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
