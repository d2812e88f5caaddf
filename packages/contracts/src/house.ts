/**
 * The house: the counterparty of every trade. Its cash is an account in Payment's ledger and its positions are rows of
 * Trade's holdings, under this id, which no ADD_USER can return (they are random v4 uuids). Unlike a user's, the
 * house's cash and positions may go negative: it sells what it does not hold and pays out what it has not taken in,
 * and conservation (all cash = deposits − withdrawals; every symbol's holdings sum to zero) counts it like anyone.
 */
export const HOUSE_USER_ID = '00000000-0000-0000-0000-000000000000';
