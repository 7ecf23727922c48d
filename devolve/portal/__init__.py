"""The public, bilingual portal: the programme's shape, pilot areas, batches and prefectures.

Owns no tables and writes nothing; reads domain selectors. Addresses use stable keys, never ids.
"""
